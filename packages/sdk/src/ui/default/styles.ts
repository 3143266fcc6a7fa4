/**
 * The default UI's stylesheet, scoped by the shadow root. `:host` resets
 * everything the page could pass down, and every element inside sets what it
 * needs, so page CSS (`div {…}`, `button {…}`) cannot reach in.
 */
import { SIGNAL_BARS_CSS } from './signal-bars.ts';

export const CSS = /* css */ `
:host{all:initial;display:block;contain:content;position:relative;width:100%;height:100%;min-height:200px;overflow:hidden}
:host([hidden]){display:none}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.pl{all:initial;position:absolute;inset:0;display:flex;flex-direction:column;background:#0e1014;color:#f3f4f6;
 font:14px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow:hidden;container-type:size;container-name:pl;
 -webkit-tap-highlight-color:transparent}
.main{position:relative;flex:1;min-height:0;display:flex;flex-direction:column;gap:8px;padding:8px}
.stage{--g:8px;position:relative;flex:1;min-height:0;display:flex;flex-wrap:wrap;justify-content:center;align-content:center;gap:var(--g)}
.stage>.tile{flex:0 0 calc((100% - (var(--cols,1) - 1) * var(--g)) / var(--cols,1));height:calc((100% - (var(--rows,1) - 1) * var(--g)) / var(--rows,1))}
.stage:empty::before{content:"Connecting…";margin:auto;color:#9ca3af;font-size:15px}
.strip{display:none;flex:0 0 auto;height:clamp(64px,18cqh,132px);gap:8px;overflow-x:auto;overflow-y:hidden;scrollbar-width:thin}
.strip:empty{display:none!important}
.pl[data-mode=spotlight] .strip{display:flex}
.strip .tile{flex:0 0 auto;height:100%;aspect-ratio:16/9}
.strip>:first-child{margin-left:auto}.strip>:last-child{margin-right:auto}
.park{display:none}
.pl[data-screen-share=true] .strip{display:flex}
.float{position:absolute;right:16px;bottom:16px;z-index:3;width:clamp(96px,24cqw,240px);aspect-ratio:4/3;border-radius:12px;
 box-shadow:0 6px 24px rgb(0 0 0/50%);touch-action:none}
.float:empty{display:none}
.float[data-draggable=true]{cursor:grab}
.float[data-dragging=true]{cursor:grabbing}
.float .tile{width:100%;height:100%}
.pl[data-mode=spotlight][data-strip=true] .float{bottom:calc(clamp(64px,18cqh,132px) + 24px)}
.tile{all:initial;position:relative;display:block;min-width:0;min-height:0;background:#1c2028;border-radius:12px;overflow:hidden;
 container-type:size;font:inherit;color:inherit;outline:none}
.tile[role=button]{cursor:pointer}
.tile::after{content:"";position:absolute;inset:0;border-radius:inherit;pointer-events:none;transition:box-shadow .2s}
.tile[data-speaking=true]::after{box-shadow:inset 0 0 0 3px #4ade80}
.tile:focus-visible::after{box-shadow:inset 0 0 0 3px #93c5fd}
video{all:initial;position:absolute;inset:0;display:block;width:100%;height:100%;object-fit:cover;background:#000}
.tile[data-local=true] video{transform:scaleX(-1)}
.pl[data-mode=spotlight] .stage video,.pl[data-mode=single] .stage video{object-fit:contain}
.tile[data-video-off=true] video{visibility:hidden}
.avatar{position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);width:min(42cqmin,168px);height:min(42cqmin,168px);
 border-radius:50%;overflow:hidden;display:grid;place-items:center;background:var(--c,#475569);color:#fff;
 font-weight:600;font-size:min(16cqmin,64px);letter-spacing:.02em;user-select:none}
.avatar[data-avatar-mode=square]{border-radius:12%}
.avatar[data-avatar-mode=fullscreen]{left:0;top:0;transform:none;width:100%;height:100%;border-radius:0;font-size:min(22cqmin,96px)}
.avatar img{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
.tile:not([data-video-off=true]) .avatar{display:none}
.paused{display:none;position:absolute;left:50%;top:8px;transform:translateX(-50%);max-width:calc(100% - 16px);padding:3px 10px;border-radius:6px;
 background:rgb(0 0 0/65%);color:#fde68a;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;z-index:1}
.tile[data-video-paused=true] .paused{display:block}
.name{position:absolute;left:6px;bottom:6px;max-width:calc(100% - 12px);display:flex;align-items:center;gap:4px;padding:2px 8px;
 border-radius:6px;background:rgb(0 0 0/55%);font-size:13px;white-space:nowrap;z-index:1}
.label{overflow:hidden;text-overflow:ellipsis}
.ind{display:flex;gap:2px}
${SIGNAL_BARS_CSS}
.ind i{display:none;width:16px;height:16px;color:#fca5a5}
.tile[data-audio-muted=true] .i-mic,.tile[data-video-off=true] .i-cam{display:block}
.pl[data-audio-only=true] .i-cam{display:none!important}
.strip .name,.float .name{font-size:12px;padding:1px 6px}
svg{display:block;width:100%;height:100%}
.bar{flex:0 0 auto;display:flex;flex-wrap:wrap;justify-content:center;align-items:center;gap:10px;padding:10px 8px 12px;position:relative}
button{all:initial;box-sizing:border-box;font:inherit;color:inherit;cursor:pointer;-webkit-user-select:none;user-select:none}
button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.btn{display:inline-grid;place-items:center;width:48px;height:48px;padding:12px;border-radius:50%;background:#2a303b;color:#f3f4f6;
 transition:background .15s}
.btn:hover{background:#363d4a}
.btn[aria-pressed=true]{background:#f3f4f6;color:#111827}
.btn[data-control=end-call]{width:64px;border-radius:24px;background:#dc2626;color:#fff}
.btn[data-control=end-call]:hover{background:#b91c1c}
.btn[data-control=record][aria-pressed=true]{background:#dc2626;color:#fff}
.btn:disabled{opacity:.45;cursor:default}
.next{position:absolute;right:8px;top:50%;transform:translateY(-50%);z-index:2;width:40px;height:40px;padding:8px;background:rgb(0 0 0/55%)}
.danger{background:#dc2626;color:#fff}
.toast{position:absolute;left:50%;top:12px;transform:translateX(-50%);z-index:8;max-width:calc(100% - 24px);padding:8px 14px;
 border-radius:8px;background:#7f1d1d;color:#fff;font-size:13px}
.toast:empty{display:none}
@container pl (max-width:520px){
 .main{padding:6px;gap:6px}.stage{--g:6px}
 .bar{gap:6px;padding:8px 6px 10px}
 .btn{width:42px;height:42px;padding:10px}
 .btn[data-control=end-call]{width:56px}
 .float{right:10px;bottom:10px}
}
@container pl (max-width:400px){
 .bar{gap:4px;padding-left:4px;padding-right:4px}.btn{width:38px;height:38px;padding:9px}.btn[data-control=end-call]{width:50px}
}
@container pl (max-height:360px){.bar{padding:6px}.btn{width:38px;height:38px;padding:9px}.strip{height:56px}}
`;
