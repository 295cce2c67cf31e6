import type { ReactNode } from 'react';

/** A screen with nothing to show yet says what it is for and what to do next. */
export function EmptyState({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId}>
      <h3>{title}</h3>
      <p>{children}</p>
    </div>
  );
}
