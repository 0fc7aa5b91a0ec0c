/** Port types, mirroring builder/nodes/base.py (list_of, is_list, item_type, compatible). */

export const listOf = (item: string): string => `list[${item}]`;

export const isList = (t: string): boolean => t.startsWith("list[") && t.endsWith("]");

/** Element type of `list[x]`; `any` for `any`. Throws for other scalars, like the server. */
function itemType(t: string): string {
  if (isList(t)) return t.slice(5, -1);
  if (t === "any") return "any";
  throw new Error(`${t} is not a list type`);
}

/** Can a value of type `source` flow into a port of type `target`? Identical to `compatible()`. */
export function compatible(source: string, target: string): boolean {
  if (target === "any" || source === "any" || source === target) return true;
  if (isList(source) && isList(target)) return compatible(itemType(source), itemType(target));
  return false;
}
