/**
 * Where every command that talks to a hub finds it: `--connection-string` and `--hub`, else the
 * NOTIFICATION_HUB_CONNECTION_STRING and NOTIFICATION_HUB_NAME variables.
 */

/** The options a command reads its hub from. */
export interface HubOptionValues {
  readonly "connection-string"?: unknown;
  readonly hub?: unknown;
}

/**
 * The connection string and hub name of a command. A connection string with a key given on the command line earns
 * one warning on `stderr`: shell history and package-manager scripts can show it, where the variable keeps it off
 * the command line. `missing` makes the command's own error for what is absent (`connection-string` or `hub`).
 */
export function hubSettings(
  values: HubOptionValues,
  io: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly stderr: (text: string) => void;
  },
  missing: (field: "connection-string" | "hub", message: string) => Error,
): { connectionString: string; hubName: string } {
  const given = values["connection-string"] as string | undefined;
  const connectionString = given ?? io.env.NOTIFICATION_HUB_CONNECTION_STRING;
  const hubName = (values.hub as string | undefined) ?? io.env.NOTIFICATION_HUB_NAME;
  if (!connectionString) {
    throw missing(
      "connection-string",
      "no connection string: set NOTIFICATION_HUB_CONNECTION_STRING (or pass --connection-string)",
    );
  }
  if (!hubName) throw missing("hub", "no hub name: pass --hub or set NOTIFICATION_HUB_NAME");
  if (given !== undefined && /SharedAccessKey=/i.test(given)) {
    io.stderr(
      "nhub: warning: --connection-string puts the key on the command line, where shell history and package-manager scripts can show it; set NOTIFICATION_HUB_CONNECTION_STRING instead\n",
    );
  }
  return { connectionString, hubName };
}
