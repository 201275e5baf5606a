// A page's print button (no inline script: the CSP forbids it): the access export, the monitoring report.
document.querySelector('[data-print]')?.addEventListener('click', () => window.print());
