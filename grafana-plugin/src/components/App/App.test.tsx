import { screen, waitFor, within } from '@testing-library/react';
import { LOG_TYPES, LOG_TYPE_SLUGS, APP_BASE_PATH } from '@auditlens/contract';
import { renderApp } from '../../../tests/support/renderApp';
import { PERMISSION_SETS } from '../../../tests/support/grafanaBoot';
import { testIds } from '../../testIds';

describe('the overview', () => {
  it('shows a tile per readable log type with counts, and calls only their routes', async () => {
    const { server } = renderApp(`${APP_BASE_PATH}/overview`, PERMISSION_SETS.viewer);
    for (const t of LOG_TYPES) expect(await screen.findByTestId(testIds.tile(LOG_TYPE_SLUGS[t]))).toBeInTheDocument();
    const access = screen.getByTestId(testIds.tile('access'));
    expect(await within(access).findByText(/failed logins/)).toBeInTheDocument();
    expect(server.proxyCalls().every((c) => c.status === 200)).toBe(true);
  });
});
