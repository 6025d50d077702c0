/**
 * The Slack stand-in: a Web API + response_url server with Slack's limits, and
 * a driver that sends signed requests into a real Bolt app. One implementation
 * serves both the browser playground (keyops with no Slack credentials) and
 * the tests, so what the tests prove about Slack's rules is what a playground
 * visitor sees.
 *
 * It depends only on Node built-ins so any caller (playground, unit, e2e,
 * bench) can use it without importing keyops code. Typical use:
 *
 *   const fake = await startFakeSlack();
 *   // start keyops with clientOptions.slackApiUrl = fake.apiUrl, token = fake.botToken
 *   const driver = createSlackDriver({ fake, url: appUrl, signingSecret });
 *   await driver.sendCommand({ userId: 'U1', channelId: 'C1', text: 'new' });
 *   const msg = await fake.waitFor(() => fake.ephemeralMessages({ userId: 'U1' })[0]);
 */
export { startFakeSlack, parseApiArgs } from './server';
export { FakeSlack } from './fakeSlack';
export type { ArmedFault, FaultTarget, SlackFault } from './faults';
export { createSlackDriver, SlackDriver } from './driver';
export type { ClickButtonOptions, ClickResult, CommandOptions, CommandResult, RawOptions, SignedRequest, SlackDriverOptions, SlackTransport, SubmitResult, SubmitViewOptions } from './driver';
export { signSlackRequest } from './http';
export type { DriverResponse } from './http';
export { validateBlocks } from './limits';
export { validateMessage, validateView } from './surfaces';
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './responseUrls';
export { TRIGGER_TTL_MS } from './state';
export { APP_ID, BOT_ID, BOT_USER_ID } from './context';
export type * from './types';
