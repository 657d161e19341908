export {
  ConnectionStringError,
  type ConnectionStringParts,
  isLoopbackHost,
  parseConnectionString,
  parseEndpoint,
} from "./connection-string";
export { REDACTED, redactSecrets, secretForms, secretSpans } from "./redact";
export {
  type AsyncSasTokenProvider,
  type AsyncSasTokenProviderOptions,
  createAsyncSasTokenProvider,
  createSasTokenProvider,
  hmacSha256Base64,
  hmacSha256Base64Async,
  parseSasToken,
  redactSasToken,
  type SasTokenFields,
  type SasTokenInit,
  type SasTokenProvider,
  type SasTokenProviderOptions,
  sasStringToSign,
  signSasToken,
  signSasTokenAsync,
  type TokenProvider,
} from "./sas-token";
