/**
 * SHA-1 in hex of a UTF-8 string: the AWS CLI's cache file names (docs/reference.md §2.1 token cache,
 * §2.3 role-credential cache) and portico's own index and cache names. @noble/hashes rather than
 * node:crypto, which (with the streams it pulls in) costs several ms to load on the launcher's lean
 * paths; the inputs are short.
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

export const sha1Hex = (s: string): string => bytesToHex(sha1(utf8ToBytes(s)));
