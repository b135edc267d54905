// `react/jsx-runtime` for the bundle: dependencies compiled with the automatic JSX runtime (scenes' ad hoc
// filters use @floating-ui/react, which calls jsx()) get elements from React.createElement of the React that
// Grafana shares, as the app's own code does. Bundling React 19's jsx-runtime instead would make elements that
// Grafana 12's React 18 refuses ("Objects are not valid as a React child").
const React = require('react');

function element(type, props, key, staticChildren) {
  const { children, ...config } = props ?? {};
  if (key !== undefined) config.key = key;
  if (children === undefined) return React.createElement(type, config);
  // jsxs() passes an array of static children: spread, so React does not ask them for keys.
  return staticChildren && Array.isArray(children)
    ? React.createElement(type, config, ...children)
    : React.createElement(type, config, children);
}

/** One element with dynamic children. */
exports.jsx = (type, props, key) => element(type, props, key, false);
/** One element with static children (an array written out in the JSX). */
exports.jsxs = (type, props, key) => element(type, props, key, true);
exports.Fragment = React.Fragment;
