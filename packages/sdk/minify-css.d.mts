import type { Plugin } from 'esbuild';

/** esbuild plugin: the UI's `/* css *\/` stylesheets minified for `target` (see minify-css.mjs). */
export declare function minifyCss(target: string[]): Plugin;
