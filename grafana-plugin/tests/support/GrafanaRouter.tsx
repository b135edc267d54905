import React, { useEffect, useState } from 'react';
import { Router } from 'react-router-dom';
import { LocationServiceProvider, locationService } from '@grafana/runtime';

/** Routes on Grafana's own location service, as Grafana renders app pages, so scenes' URL sync agrees. */
export function GrafanaRouter({ children }: { children: React.ReactNode }): React.JSX.Element {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useEffect(() => history.listen((next: typeof location) => setLocation(next)), [history]);
  return (
    <LocationServiceProvider service={locationService}>
      <Router location={location} navigator={history as unknown as React.ComponentProps<typeof Router>['navigator']}>
        {children}
      </Router>
    </LocationServiceProvider>
  );
}
