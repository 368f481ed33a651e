// @vitest-environment happy-dom
// Where focus starts in a dialog: never on the header's ×, but on what the dialog is
// about (its first field) or, for a confirmation, on the footer's first button (Cancel).
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialog } from '../../renderer/components/Dialog';
import { ReplayDialog } from '../../renderer/views/event/ReplayDialog';

afterEach(cleanup);

describe('Dialog focus', () => {
  it('a confirmation (Replay) starts on Cancel, not on ×', async () => {
    render(<ReplayDialog open eventId="evt_1" test={false} onClose={() => {}} onReplay={async () => {}} />);
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Cancel'));
  });

  it('a form starts on its first field; data-autofocus wins over it', async () => {
    const { unmount } = render(
      <Dialog open title="Name it" onClose={() => {}} footer={<button type="button">Save</button>}>
        <input aria-label="Name" />
      </Dialog>,
    );
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Name'));
    unmount();
    render(
      <Dialog open title="Pick" onClose={() => {}}>
        <input aria-label="First" />
        <input aria-label="Chosen" data-autofocus />
      </Dialog>,
    );
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Chosen'));
  });
});
