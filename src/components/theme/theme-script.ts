export const THEME_STORAGE_KEY = "tally:theme";

/**
 * Runs in <head> before the first paint so a dark-mode page never flashes white: an explicit
 * choice in localStorage wins, else the OS preference.
 */
export const themeScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=t==="dark"||(t!=="light"&&window.matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;
