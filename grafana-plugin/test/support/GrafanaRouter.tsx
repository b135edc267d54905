import React, { useLayoutEffect, useState } from 'react';
import { Router } from 'react-router-dom';
import { LocationServiceProvider, locationService } from '@grafana/runtime';

/** Routes on Grafana's own location service, as Grafana renders app pages, so scenes' URL sync agrees. */
export function GrafanaRouter({ children }: { children: React.ReactNode }): React.JSX.Element {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  // A layout effect subscribes before children's effects can navigate; then catch up on any change before.
  useLayoutEffect(() => {
    const stop = history.listen((next: typeof location) => setLocation(next));
    setLocation(history.location);
    return stop;
  }, [history]);
  return (
    <LocationServiceProvider service={locationService}>
      <Router
        location={location}
        navigator={history as unknown as React.ComponentProps<typeof Router>['navigator']}
      >
        {children}
      </Router>
    </LocationServiceProvider>
  );
}
