/** The push services' feedback: {@link getFeedbackContainerUrl}; `hub.getFeedbackContainerUrl` is a shortcut to it. */
import type { OperationOptions } from "./hub-options";
import type { HubClient } from "./hub-request";

/** The URL of the Azure Storage container holding the hub's push service feedback (`GET feedbackcontainer`). */
export async function getFeedbackContainerUrl(
  hub: Pick<HubClient, "request">,
  options: OperationOptions = {},
): Promise<string> {
  const response = await hub.request({
    operation: "getFeedbackContainerUrl",
    method: "GET",
    path: "/feedbackcontainer",
    signal: options.signal,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  return response.body.trim();
}
