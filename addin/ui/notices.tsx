// The pane's notices in one place: any component shows one, or runs work through `guard`, which
// turns a failure into a readable notice instead of passing a setter through every tab.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { explain, type Notice } from './errors.js';

interface Notices {
  notice: Notice | null;
  show: (n: Notice | null) => void;
  /** Runs `work`; a failure becomes the notice and the answer is undefined. */
  guard: <T>(work: () => Promise<T>) => Promise<T | undefined>;
}

const NoticesContext = createContext<Notices | null>(null);

export function NoticesProvider({
  initial = null,
  children,
}: {
  initial?: Notice | null;
  children: ReactNode;
}) {
  const [notice, show] = useState<Notice | null>(initial);
  const guard = useCallback(async <T,>(work: () => Promise<T>) => {
    try {
      return await work();
    } catch (e) {
      show(explain(e));
      return undefined;
    }
  }, []);
  const value = useMemo(() => ({ notice, show, guard }), [notice, guard]);
  return <NoticesContext.Provider value={value}>{children}</NoticesContext.Provider>;
}

export function useNotices(): Notices {
  const n = useContext(NoticesContext);
  if (!n) throw new Error('useNotices outside NoticesProvider');
  return n;
}
