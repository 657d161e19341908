export {
  type CannedResponse,
  created,
  type RecordedRequest,
  type RecordingServer,
  type RecordingServerOptions,
  startRecordingServer,
  verifySasToken,
} from "./recording-server";
