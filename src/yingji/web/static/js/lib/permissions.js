/**
 * Whether a user's permission patterns (from the page context, the same list the API checks)
 * allow a permission: '*' matches any run of characters, '?' one character — like the server's
 * fnmatch. Only for showing or hiding controls; the API enforces the rules regardless.
 */
export function allows(patterns, permission) {
  return (patterns || []).some((pattern) => {
    const source = String(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${source}$`).test(permission);
  });
}
