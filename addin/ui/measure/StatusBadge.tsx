// A status as a badge whose word, not only its colour, says it.
import { Badge } from '@fluentui/react-components';

export function StatusBadge({ status }: { status: string }) {
  const color =
    status === 'on_track' || status === 'completed'
      ? 'success'
      : status === 'at_risk'
        ? 'warning'
        : 'danger';
  const symbol = color === 'success' ? '✓' : color === 'warning' ? '!' : '✕';
  return (
    <Badge appearance="tint" color={color}>
      {symbol} {status.replace('_', ' ')}
    </Badge>
  );
}
