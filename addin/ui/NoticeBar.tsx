// The current notice, announced politely to screen readers (errors assertively).
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { useNotices } from './notices.js';

export function NoticeBar({ dismissible = true }: { dismissible?: boolean }) {
  const { notice, show } = useNotices();
  if (!notice) return null;
  return (
    <div
      role={notice.intent === 'error' ? 'alert' : 'status'}
      aria-live={notice.intent === 'error' ? 'assertive' : 'polite'}
      data-notice={notice.intent}
    >
      <MessageBar intent={notice.intent} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{notice.title}</MessageBarTitle>
          {notice.text}
        </MessageBarBody>
        {dismissible && (
          <MessageBarActions>
            <Button appearance="transparent" size="small" onClick={() => show(null)}>
              Dismiss
            </Button>
          </MessageBarActions>
        )}
      </MessageBar>
    </div>
  );
}
