/** The validation message for a password zxcvbn finds guessable; the sign-up form recognises it to show its own translated text. */
export const WEAK_PASSWORD_MESSAGE = "This password is too easy to guess.";
