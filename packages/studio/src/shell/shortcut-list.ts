/**
 * The keyboard shortcuts the help dialog lists ("?"). Each is one or more key combinations, any of which
 * works; the keys of a combination are pressed together. Where says which page the shortcut works on.
 */
export interface Shortcut {
  combinations: string[][];
  does: string;
  where: "Anywhere" | "App editor";
}

export const shortcuts: readonly Shortcut[] = [
  { combinations: [["?"]], does: "Show the keyboard shortcuts", where: "Anywhere" },
  { combinations: [["/"]], does: "Search the palette", where: "App editor" },
  { combinations: [["Ctrl/Cmd", "S"]], does: "Save", where: "App editor" },
  { combinations: [["Ctrl/Cmd", "Z"]], does: "Undo", where: "App editor" },
  {
    combinations: [
      ["Ctrl/Cmd", "Shift", "Z"],
      ["Ctrl/Cmd", "Y"],
    ],
    does: "Redo",
    where: "App editor",
  },
  { combinations: [["Ctrl/Cmd", "Enter"]], does: "Send the test run", where: "App editor" },
  { combinations: [["Escape"]], does: "Close the drawer, or else deselect", where: "App editor" },
  { combinations: [["Delete"], ["Backspace"]], does: "Delete the selected node", where: "App editor" },
];
