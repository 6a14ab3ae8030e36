// The `payload=` form body Slack sends when a modal is submitted (view_submission), for signed requests.
export interface ViewSubmissionFields {
  callbackId: string;
  privateMetadata: string;
  /** block_id → action_id → value, as Slack's view.state.values. */
  values: Record<string, Record<string, { type: string; selected_option?: { value: string } | null; value?: string | null }>>;
  userId?: string;
  teamId?: string;
}

export function viewSubmissionBody(fields: ViewSubmissionFields): string {
  const payload = {
    type: 'view_submission',
    team: { id: fields.teamId ?? 'T0TEST', domain: 'test' },
    user: { id: fields.userId ?? 'U0TEST', username: 'tester', name: 'tester', team_id: fields.teamId ?? 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token-test',
    trigger_id: '4.5.6',
    view: {
      id: 'V0TESTVIEW',
      team_id: fields.teamId ?? 'T0TEST',
      type: 'modal',
      callback_id: fields.callbackId,
      private_metadata: fields.privateMetadata,
      state: { values: fields.values },
      hash: '1700000000.abcdef',
      title: { type: 'plain_text', text: 'x' },
      blocks: [],
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
