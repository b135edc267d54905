import React from 'react';

// The shim the bundle uses for dependencies' `react/jsx-runtime` (webpack.config.cjs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shim = require('../build/jsxRuntime.cjs') as {
  jsx: (type: unknown, props: object, key?: string) => React.ReactElement;
  jsxs: (type: unknown, props: object, key?: string) => React.ReactElement;
  Fragment: unknown;
};

describe('the jsx-runtime shim', () => {
  it('makes the elements React.createElement makes, keys and refs included', () => {
    const ref = React.createRef<HTMLDivElement>();
    const viaShim = shim.jsx('div', { className: 'a', ref, children: 'x' }, 'k1');
    const viaReact = React.createElement('div', { className: 'a', ref, key: 'k1' }, 'x');
    expect(viaShim).toEqual(viaReact);
    const kind = (e: object) => (e as { $$typeof: symbol }).$$typeof;
    expect(kind(viaShim)).toBe(kind(viaReact));
  });

  it('spreads static children, keeps a dynamic array as one child, and shares the Fragment', () => {
    const staticKids = shim.jsxs('ul', { children: [React.createElement('li', null, 'a'), 'b'] });
    expect(staticKids).toEqual(React.createElement('ul', null, React.createElement('li', null, 'a'), 'b'));
    const dynamic = shim.jsx('ul', { children: ['a', 'b'] });
    expect((dynamic.props as { children: unknown }).children).toEqual(['a', 'b']);
    expect(shim.Fragment).toBe(React.Fragment);
    expect(shim.jsx('br', {})).toEqual(React.createElement('br', {}));
  });
});
