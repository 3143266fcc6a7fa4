/** Stylesheets the build imports as text (packages/sdk/build.mjs: the demo's `.css` loader), put in a <style> by the page. */
declare module '*.css' {
  const text: string;
  export default text;
}
