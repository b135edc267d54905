import { alertmanagerBinary, startAlertmanager } from './alertmanager';

(alertmanagerBinary() ? describe : describe.skip)('a real Alertmanager', () => {
  it('takes an alert posted to its API and lists it', async () => {
    const am = await startAlertmanager();
    try {
      const post = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'TestkitCheck', user_name: 'jane' } }]),
      });
      expect(post.status).toBe(200);
      const alerts = await am.alerts();
      expect(alerts.map((a) => a.labels['user_name'])).toEqual(['jane']);
    } finally {
      await am.dispose();
    }
  }, 60_000);
});
