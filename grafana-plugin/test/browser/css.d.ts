/** Stylesheets the harness bundle loads as text (webpack.harness.cjs: `asset/source`). */
declare module '*.css' {
  const source: string;
  export default source;
}
