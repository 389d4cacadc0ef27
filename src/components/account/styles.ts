/** The frame of each account page section. */
export const sectionClass = "rounded-lg border border-gray-200 p-5 dark:border-gray-700";
