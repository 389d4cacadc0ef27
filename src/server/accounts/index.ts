export { deleteAccount, type DeleteAccountInput } from "./delete-account";
export { AccountBusyError, AccountSessionNotFoundError, DeletionNotConfirmedError } from "./errors";
export { getProfile, updateDisplayName, type Profile } from "./profile";
export { describeDevice, listSessions, revokeSession, type SessionOut } from "./session-list";
