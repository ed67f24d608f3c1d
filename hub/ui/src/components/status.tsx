// Sync and health shown as Argo CD does: a coloured icon (drawn by CSS, so the text is only the status word) and the word.

/** A sync status with its icon. */
export function SyncStatus({ status, label }: { status?: string; label?: string }) {
  const value = status ?? 'Unknown';
  return <span class={`status sync-${value}`} aria-label={label}>{value}</span>;
}

/** A health status with its icon; the message on hover. */
export function HealthStatus({ status, message, label }: { status?: string; message?: string; label?: string }) {
  const value = status ?? 'Unknown';
  return <span class={`status health-${value}`} title={message} aria-label={label}>{value}</span>;
}
