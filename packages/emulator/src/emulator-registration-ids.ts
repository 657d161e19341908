/**
 * Registration ids and the never-expires time, in the service's shapes: shared by the hub state and the
 * registrations surface without either importing the other.
 */
import { randomBytes } from "node:crypto";

/** The `ExpirationTime` of registrations that never expire, as the service writes it. */
export const NEVER_EXPIRES = "9999-12-31T23:59:59.999Z";
let sequence = 0;

/**
 * A fresh registration id in the service's shape (`{19 digits}-{19 digits}-1`). The first part grows with
 * time, so ids sort in creation order and listings page in that order.
 */
export function newRegistrationId(): string {
  sequence = (sequence + 1) % 1_000_000;
  const head = (BigInt(Date.now()) * 1_000_000n + BigInt(sequence)).toString().padStart(19, "0");
  const tail = (randomBytes(8).readBigUInt64BE() % 10_000_000_000_000_000_000n).toString().padStart(19, "0");
  return `${head}-${tail}-1`;
}
