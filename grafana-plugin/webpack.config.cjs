// Builds the app into dist/ the way Grafana loads plugins: an AMD module.js whose React, Grafana and
// router imports are Grafana's own copies (externals), plus plugin.json, the logo, the README and the dashboards
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
  externals: [
    'react',
    'react-dom',
    'react-router',
    'react-router-dom',
    'rxjs',
    '@emotion/css',
    '@emotion/react',
    // Grafana shares data, ui and runtime with plugins; scenes (and what it needs) is bundled, as Grafana's own
    // plugin tooling does, so the app keeps the scenes version it was tested with.
    ({ request }, callback) =>
      /^@grafana\/(data|ui|runtime)(\/|$)/.test(request ?? '') ? callback(undefined, request) : callback(),
  ],
  resolve: {
    extensions: ['.tsx', '.ts', '.js'],
    // Dependencies' automatic JSX goes through the shared React's createElement (see build/jsxRuntime.cjs).
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
