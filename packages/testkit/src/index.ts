export {
  type CannedResponse,
  created,
  type RecordedRequest,
  type RecordingServer,
  type RecordingServerOptions,
  startRecordingServer,
  verifySasToken,
} from "./recording-server";
export { assertSend, type ExpectedSend, sendMismatches } from "./wire-assertions";
