import { EXPORT_ACTION, readAction } from '@auditlens/contract';
import { appPermissions } from './permissions';

jest.mock('@grafana/runtime', () => ({ hasPermission: () => false }));

describe('appPermissions', () => {
  it('lists exactly the readable log types, in order, and the export permission', () => {
    const granted = new Set([readAction('access'), readAction('webhook_failure'), EXPORT_ACTION]);
    expect(appPermissions((a) => granted.has(a))).toEqual({
      readable: ['access', 'webhook_failure'],
      canExport: true,
      canReadAlerts: false,
    });
  });

  it('gives nothing without permissions', () => {
    expect(appPermissions((_a) => false)).toEqual({ readable: [], canExport: false, canReadAlerts: false });
  });

  it("uses Grafana's hasPermission by default", () => {
    expect(appPermissions()).toEqual({ readable: [], canExport: false, canReadAlerts: false });
  });

  it("reads Grafana's own alert.instances:read for the overview's firing alerts", () => {
    expect(appPermissions((a) => a === 'alert.instances:read').canReadAlerts).toBe(true);
  });
});
