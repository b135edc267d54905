import React from 'react';
import { Alert } from '@grafana/ui';
import { testIds } from '../../testIds';

/** Shown instead of any audit data to a user without a read action. */
export function NoAccess(): React.JSX.Element {
  return (
    <Alert title="You need the View audit logs permission" severity="info" data-testid={testIds.noAccess}>
      Ask an administrator for the &quot;Audit log viewer&quot; role, or for a viewer role of one log type.
    </Alert>
  );
}
