/** The unlock token in a message's text, if any. */
export function unlockTokenIn(text: string): string | undefined {
  return /\/v1\/unlock\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
}
