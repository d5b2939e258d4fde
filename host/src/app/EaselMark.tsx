/** The Easel logo mark with the word, linking home (the actor picker). */
export function EaselMark() {
  return (
    <a className="host-mark" href="/" aria-label="Easel home">
      <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--ez-accent)" />
        <path
          d="M9 22 16 9l7 13"
          fill="none"
          stroke="var(--ez-accent-text)"
          strokeWidth="2.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
        <circle cx="16" cy="19" r="2" fill="var(--ez-accent-text)" />
      </svg>
      <span>Easel</span>
    </a>
  );
}
