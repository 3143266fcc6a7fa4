/** The dialogs' rules (idle-dialog.ts, switch-dialog.ts), in a <style> inside each: they load on demand, after the UI's stylesheet. */
export const DIALOG_CSS = /* css */ `
.scrim{position:absolute;inset:0;z-index:10;display:grid;place-items:center;background:rgb(0 0 0/55%);padding:16px}
.dialog{width:min(360px,100%);padding:20px;border-radius:14px;background:#1f2430;box-shadow:0 12px 40px rgb(0 0 0/60%)}
.dialog h2{all:initial;display:block;font-family:inherit;font-size:17px;font-weight:600;line-height:1.3;color:inherit;margin-bottom:8px}
.dialog p{all:initial;display:block;font:inherit;color:#cbd5e1;margin-bottom:16px}
.actions{display:flex;gap:8px;justify-content:flex-end}
.actions button{padding:10px 18px;border-radius:10px;font-weight:600}
.primary{background:#3b82f6;color:#fff}
`;
