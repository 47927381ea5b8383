import { type ThemeChoice, themeChoices, useThemeChoice } from "../ui/theme.ts";

const labels: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/** The header's Light / Dark / System switch, remembered in this browser. */
export function ThemeToggle() {
  const [choice, choose] = useThemeChoice();
  return (
    <fieldset className="cfx-segmented">
      <legend className="cfx-visually-hidden">Theme</legend>
      {themeChoices.map((option) => (
        <label key={option} className="cfx-segmented__option">
          <input
            type="radio"
            name="cfx-theme"
            value={option}
            checked={choice === option}
            onChange={() => choose(option)}
          />
          <span>{labels[option]}</span>
        </label>
      ))}
    </fieldset>
  );
}
