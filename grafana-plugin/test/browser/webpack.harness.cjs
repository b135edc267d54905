// Builds the browser harness (harness.tsx) with the real modules it shares with the plugin, in Grafana 13's
// versions. Built as Grafana ships (NODE_ENV production) but not minified, which would take minutes for a
// bundle only a test loads.
const path = require('node:path');

// Grafana 13's routers are what @grafana/ui 13 depends on (`react-router-dom` ^5.3.4 and
// `react-router-dom-v5-compat` ^6.26.1), which npm installs beside @grafana/ui because the app's own
// `react-router-dom` is v6; they are resolved from there, so the harness, @grafana/ui's Link and
// react-router-dom-v5-compat itself all get the one v5 Grafana has. (A root npm alias of v5-compat cannot be
// installed: its peer `react-router-dom@4 || 5` clashes with the app's v6.)
const grafanaUi = path.dirname(require.resolve('@grafana/ui/package.json'));
const fromGrafanaUi = (name) => path.dirname(require.resolve(`${name}/package.json`, { paths: [grafanaUi] }));
const reactRouterDomV5 = fromGrafanaUi('react-router-dom');

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
  resolve: {
    extensions: ['.tsx', '.ts', '.mjs', '.js'],
    alias: {
      'react-router-dom$': reactRouterDomV5,
      'react-router-dom-v5$': reactRouterDomV5,
      'react-router-dom-v5-compat$': fromGrafanaUi('react-router-dom-v5-compat'),
    },
  },
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
