/** Moved to providers/common (shared with NexHealth); kept so existing imports keep working. */
export { SharedThrottle } from '../common/shared-throttle';
