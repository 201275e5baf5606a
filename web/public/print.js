// The access export's print button (no inline script: the CSP forbids it).
document.querySelector('[data-print]')?.addEventListener('click', () => window.print());
