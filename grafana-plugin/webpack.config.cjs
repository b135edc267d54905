// Builds the app into dist/ the way Grafana loads plugins: an AMD module.js whose React, Grafana, router and
// i18next imports are Grafana's own copies (externals), plus plugin.json, the logo, the README and the dashboards
// that plugin.json includes (generated in ../dashboards/json, imported by Grafana when the app is enabled).
const path = require('node:path');
const CopyPlugin = require('copy-webpack-plugin');
const { version } = require('./package.json');

const PLUGIN_ID = 'auditlens-auditlogs-app';

module.exports = (_env, argv) => ({
  mode: argv.mode ?? 'production',
  context: path.join(__dirname, 'src'),
  entry: { module: './module.tsx' },
  devtool: argv.mode === 'development' ? 'eval-source-map' : 'source-map',
  output: {
    path: path.join(__dirname, 'dist'),
    filename: '[name].js',
    chunkFilename: '[name].[contenthash].js',
    library: { type: 'amd' },
    publicPath: `public/plugins/${PLUGIN_ID}/`,
    uniqueName: PLUGIN_ID,
    clean: true,
  },
  // Only modules Grafana 13 shares with plugins (the keys of its loader's sharedDependencies.ts), and of those only
  // what the app was written against, as @grafana/create-plugin takes them for an app on react-router v6 (grafana/
  // plugin-tools packages/create-plugin/templates/common/.config/bundler/externals.ts: `react-router-dom` only
  // `unless useReactRouterV6`). test/shared-modules.test.ts checks the names, the browser test each export read.
  externals: [
    'react',
    'react-dom',
    // Grafana shares react-router-dom v5 as `react-router-dom` and the v6 API as `react-router`. The app and scenes
    // use v6, so react-router-dom v6 is bundled and finds Grafana's router through the `react-router` it imports.
    'react-router',
    'rxjs',
    '@emotion/css',
    '@emotion/react',
    // Grafana's own i18next instance, set to the user's language: the bundled @grafana/i18n (Grafana does not share
    // it) then translates the app and the bundled scenes in that language, not in a bundled instance's en-US.
    'i18next',
    // Grafana shares data, ui and runtime with plugins; scenes (and what it needs) is bundled, as Grafana's own
    // plugin tooling does, so the app keeps the scenes version it was tested with.
    ({ request }, callback) =>
      /^@grafana\/(data|ui|runtime)(\/|$)/.test(request ?? '') ? callback(undefined, request) : callback(),
  ],
  resolve: {
    extensions: ['.tsx', '.ts', '.js'],
    // Dependencies' automatic JSX goes through the shared React's createElement (see build/jsxRuntime.cjs).
    // Grafana 13 shares `react/jsx-runtime` as well, but the app also runs on Grafana 12.4 (plugin.json), and an
    // earlier sharedDependencies.ts lists no `react/jsx-runtime`: taken from Grafana it may not resolve there, and
    // bundled (React 19's) its elements are refused by Grafana 12's React 18. Once Grafana 13 is the minimum, make
    // it an external and drop the shim.
    alias: { 'react/jsx-runtime$': path.join(__dirname, 'build', 'jsxRuntime.cjs') },
  },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        // Classic JSX (React.createElement): the bundle then uses whichever React Grafana shares, 18 in
        // Grafana 12 or 19 in Grafana 13, instead of carrying a jsx-runtime of one version.
        use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { jsx: 'react' } } },
      },
    ],
  },
  plugins: [
    new CopyPlugin({
      patterns: [
        {
          from: 'plugin.json',
          transform: (content) =>
            content
              .toString()
              .replace('%VERSION%', version)
              .replace('%TODAY%', new Date().toISOString().slice(0, 10)),
        },
        { from: 'img', to: 'img' },
        { from: '../README.md', to: 'README.md' },
        { from: path.join(__dirname, '..', 'dashboards', 'json', '*.json'), to: 'dashboards/[name][ext]' },
      ],
    }),
  ],
  performance: { hints: false },
});
