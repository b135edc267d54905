// Builds the browser harness (harness.tsx) with the real @grafana/data, ui and runtime it shares with the
// plugin. Built as Grafana ships (NODE_ENV production) but not minified, which would take minutes for a
// bundle only a test loads.
const path = require('node:path');

module.exports = {
  mode: 'development',
  devtool: false,
  context: __dirname,
  entry: { harness: './harness.tsx' },
  output: {
    path: path.join(__dirname, '..', '..', '.browser-build'),
    filename: '[name].js',
    publicPath: '/',
    clean: true,
  },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: { loader: 'ts-loader', options: { transpileOnly: true } },
      },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, type: 'asset/source' },
    ],
  },
  optimization: { nodeEnv: 'production', minimize: false },
  performance: { hints: false },
};
