// Times relative ("3 min ago"), absolute on hover, refreshed every 15 s by one shared timer.
import { useEffect, useState } from 'preact/hooks';
import { absoluteTime, relativeTime } from '../lib/relative-time.ts';

const ticks = new Set<(now: Date) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    ticks.add(setNow);
    timer ??= setInterval(() => ticks.forEach((tick) => tick(new Date())), 15_000);
    return () => {
      ticks.delete(setNow);
      if (ticks.size === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}

/** <time datetime=ISO title=absolute>relative</time>; nothing (an em dash) for no time. */
export function Time({ at }: { at?: string | null }) {
  const now = useNow();
  const absolute = absoluteTime(at);
  if (!at || absolute === '') return <span class="muted">—</span>;
  return <time dateTime={at} title={absolute}>{relativeTime(at, now)}</time>;
}
