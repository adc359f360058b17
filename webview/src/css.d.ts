/** esbuild loads .css as text (loader `.css: text` in esbuild.config.mjs); styles.ts adopts it. */
declare module "*.css" {
  const text: string;
  export default text;
}
