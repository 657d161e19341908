export {
  ConnectionStringError,
  type ConnectionStringParts,
  isLoopbackHost,
  parseConnectionString,
} from "./connection-string";
export {
  createSasTokenProvider,
  hmacSha256Base64,
  parseSasToken,
  redactSasToken,
  type SasTokenFields,
  type SasTokenInit,
  type SasTokenProvider,
  type SasTokenProviderOptions,
  sasStringToSign,
  signSasToken,
  type TokenProvider,
} from "./sas-token";
