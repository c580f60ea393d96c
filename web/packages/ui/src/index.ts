export { Button, type ButtonProps, type ButtonVariant, buttonClass } from './button.tsx';
export { ConfirmDialog, type ConfirmDialogProps, Dialog, type DialogProps } from './dialog.tsx';
export {
  FormErrorProvider,
  FormErrorSummary,
  fieldErrorMessage,
  pointerOf,
  SelectField,
  type SelectFieldProps,
  TextField,
  type TextFieldProps,
  toPointer,
  unclaimedErrorMessage,
} from './field.tsx';
export { formatDateTime, formatPrice, formatPriceRange } from './format.ts';
export { type Remote, useRemote } from './remote.ts';
export { AppShell, type AppShellProps, type NavItem } from './shell.tsx';
export { ApiErrorState, EmptyState, ErrorState, ForbiddenState, LoadingState, Skeleton } from './states.tsx';
export { contrastRatio, luminance, TIER_PALETTE, type TierStyle, TierSwatch, tierStyle } from './tiers.tsx';
export { type Toast, ToastProvider, type ToastTone, useToast } from './toast.tsx';
