import { ATTR } from '@auditlens/contract';
import { facetOptions } from './FacetSelectScene';

describe('facetOptions', () => {
  it('reads each value as the table shows it, while the filter keeps the value itself', () => {
    const options = facetOptions(
      [
        { value: 'login_failed', count: 12 },
        { value: 'login', count: 3 },
      ],
      'logout',
      ATTR.action
    );
    expect(options.map((o) => [o.label, o.value, o.description])).toEqual([
      ['Logout', 'logout', undefined],
      ['Failed login', 'login_failed', '12 events'],
      ['Login', 'login', '3 events'],
    ]);
  });

  it('shows values of fields without labelled values as they are', () => {
    expect(facetOptions([{ value: 'jane' }], '', ATTR.userName).map((o) => o.label)).toEqual(['jane']);
    expect(facetOptions([{ value: 'okta' }], '', ATTR.loginSource).map((o) => o.label)).toEqual(['okta']);
    expect(facetOptions([{ value: 'login_failed' }], '').map((o) => o.label)).toEqual(['login_failed']);
  });
});
