// The current organisation's members: organisers add people by email with a role, change roles
// and remove people; staff see the same list read-only (the API answers their changes with 403).
import { ApiError } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  FormErrorProvider,
  FormErrorSummary,
  formatDateTime,
  LoadingState,
  SelectField,
  TextField,
  useRemote,
  useToast,
} from '@boxoffice/ui';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  canManage,
  changeErrorMessage,
  consequences,
  isYou,
  lastOrganiserExplanation,
  leavesNoOrganiser,
  type Member,
  type MemberChange,
  type MemberRole,
  needsConfirmation,
  ROLE_DESCRIPTIONS,
  ROLE_WORDS,
  sortMembers,
  standingOf,
} from './members_model.ts';
import { type Organisation, useOrganisations } from './organisation.tsx';

export function MembersPage() {
  const { list, current } = useOrganisations();
  return (
    <>
      <div className="page-head">
        <div>
          <h1 className="bx-page-title">Members</h1>
          {current ? <p className="bx-lede">{current.name}</p> : null}
        </div>
      </div>
      {list.status === 'loading' ? <LoadingState label="Loading your organisations…" /> : null}
      {list.status === 'error' ? (
        <ApiErrorState error={list.error} onRetry={list.reload} what="your organisations" />
      ) : null}
      {list.status === 'ready' && !current ? (
        <EmptyState
          title="You are not in any organisation yet"
          action={<Link to="/">Your organisations</Link>}
        />
      ) : null}
      {/* A fresh panel per organisation, so one organisation's list never shows under another's name. */}
      {current ? <MembersPanel key={current.organisation_id} organisation={current} /> : null}
    </>
  );
}

interface Pending {
  member: Member;
  change: MemberChange;
  /** `confirm`: asking first; `refused`: the change would leave no organiser. */
  phase: 'confirm' | 'refused';
}

function MembersPanel({ organisation }: { organisation: Organisation }) {
  const auth = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const organisations = useOrganisations();
  const detail = useRemote(
    (signal) =>
      auth.api.manage.get('/api/manage/organisations/{id}', {
        path: { id: organisation.organisation_id },
        signal,
      }),
    [auth.api, organisation.organisation_id],
  );
  // Kept apart from `detail` so a refresh after a change does not blank the list while it loads.
  const [members, setMembers] = useState<Member[] | undefined>();
  useEffect(() => {
    if (detail.data) setMembers(detail.data.members);
  }, [detail.data]);
  const [pending, setPending] = useState<Pending>();
  const [working, setWorking] = useState<string>();
  const [dialogError, setDialogError] = useState<string>();

  const standing = standingOf(members ?? [], auth.identity);
  const manage = canManage(standing);
  const context = (member: Member) => ({
    you: isYou(member, auth.identity),
    organisation: organisation.name,
  });

  const request = (member: Member, change: MemberChange) => {
    setDialogError(undefined);
    if (leavesNoOrganiser(members ?? [], member.email, change)) {
      setPending({ member, change, phase: 'refused' });
    } else if (needsConfirmation(member, change)) {
      setPending({ member, change, phase: 'confirm' });
    } else {
      void apply(member, change);
    }
  };

  const apply = async (member: Member, change: MemberChange) => {
    const path = { id: organisation.organisation_id, email: member.email };
    const you = isYou(member, auth.identity);
    setWorking(member.email);
    try {
      if (change.kind === 'remove') {
        await auth.api.manage.delete('/api/manage/organisations/{id}/members/{email}', { path });
        setMembers((all) => all?.filter((m) => m.email !== member.email));
        toast.show(
          you ? `You have left ${organisation.name}` : `${member.email} removed from ${organisation.name}`,
          'success',
        );
      } else {
        const changed = await auth.api.manage.patch('/api/manage/organisations/{id}/members/{email}', {
          path,
          body: { role: change.role },
        });
        setMembers((all) => all?.map((m) => (m.email === changed.email ? changed : m)));
        toast.show(
          `${you ? 'You are' : `${member.email} is`} now ${change.role === 'organiser' ? 'an organiser' : 'staff'}`,
          'success',
        );
      }
      setPending(undefined);
      if (you && change.kind === 'remove') {
        // Without a membership the organisation is gone from their list.
        organisations.list.reload();
        navigate('/');
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'last_organiser') {
        // Someone else changed the list meanwhile: say why, and show the list as it is now.
        setPending({ member, change, phase: 'refused' });
        detail.reload();
      } else if (caught instanceof ApiError && pending?.phase !== 'confirm') {
        toast.show(changeErrorMessage(caught), 'error');
        if (caught.status === 403 || caught.status === 404) detail.reload();
      } else {
        setDialogError(caught instanceof ApiError ? changeErrorMessage(caught) : String(caught));
        if (caught instanceof ApiError && (caught.status === 403 || caught.status === 404)) detail.reload();
      }
    } finally {
      setWorking(undefined);
    }
  };

  if (!members) {
    return detail.status === 'error' ? (
      <ApiErrorState error={detail.error} onRetry={detail.reload} what="the members" />
    ) : (
      <LoadingState label="Loading members…" />
    );
  }

  const sorted = sortMembers(members);
  const organisers = sorted.filter((member) => member.role === 'organiser');
  const confirming = pending?.phase === 'confirm' ? pending : undefined;
  const refused = pending?.phase === 'refused' ? pending : undefined;
  return (
    <>
      <section
        className="bx-card"
        aria-labelledby="member-list-title"
        aria-busy={detail.status === 'loading'}
      >
        <h2 id="member-list-title">{members.length === 1 ? '1 member' : `${members.length} members`}</h2>
        <dl className="role-legend">
          {(['organiser', 'staff'] as const).map((role) => (
            <div key={role}>
              <dt>{ROLE_WORDS[role]}</dt>
              <dd>{ROLE_DESCRIPTIONS[role]}</dd>
            </div>
          ))}
        </dl>
        {!manage ? (
          <p className="members__read-only" role="note">
            You are {standing === 'staff' ? 'staff' : 'not a member'} in {organisation.name}, so you can see
            its members but not change them. Ask an organiser:{' '}
            {organisers.map((member) => member.email).join(', ')}.
          </p>
        ) : null}
        {detail.status === 'error' ? (
          <ApiErrorState error={detail.error} onRetry={detail.reload} what="the members" />
        ) : null}
        {members.length === 0 ? (
          <EmptyState title={`Nobody is in ${organisation.name} yet`} />
        ) : (
          <div className="table-wrap">
            <table className="data-table data-table--stack members-table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Added</th>
                  {manage ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {sorted.map((member) => {
                  const you = isYou(member, auth.identity);
                  const busy = working === member.email;
                  const other: MemberRole = member.role === 'organiser' ? 'staff' : 'organiser';
                  return (
                    <tr key={member.email}>
                      <td data-label="Email" className="members-table__email">
                        <span>
                          {member.email}
                          {you ? <span className="bx-badge members-table__you">you</span> : null}
                        </span>
                      </td>
                      <td data-label="Role">
                        <span className={`bx-badge member-role member-role--${member.role}`}>
                          {ROLE_WORDS[member.role]}
                        </span>
                      </td>
                      <td data-label="Added">{formatDateTime(member.created_at)}</td>
                      {manage ? (
                        <td className="data-table__actions">
                          <Button
                            variant="secondary"
                            busy={busy && !pending}
                            disabled={!!working}
                            aria-label={`Make ${other}: ${member.email}`}
                            onClick={() => request(member, { kind: 'role', role: other })}
                          >
                            Make {other}
                          </Button>
                          <Button
                            variant="ghost"
                            className="members-table__remove"
                            disabled={!!working}
                            aria-label={`${you ? 'Leave' : 'Remove'}: ${member.email}`}
                            onClick={() => request(member, { kind: 'remove' })}
                          >
                            {you ? 'Leave' : 'Remove'}
                          </Button>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {manage ? (
        <AddMemberForm
          organisation={organisation}
          onAdded={(member) => setMembers((all) => [...(all ?? []), member])}
        />
      ) : null}
      <ConfirmDialog
        open={!!confirming}
        title={
          confirming ? confirmTitle(confirming, isYou(confirming.member, auth.identity), organisation) : ''
        }
        confirmLabel={confirming ? confirmLabel(confirming, isYou(confirming.member, auth.identity)) : ''}
        danger
        busy={!!working}
        onConfirm={() => {
          if (confirming) void apply(confirming.member, confirming.change);
        }}
        // The dialog also closes when it gives way to the refusal; only its own cancel clears it.
        onCancel={() => setPending((now) => (now?.phase === 'confirm' ? undefined : now))}
      >
        {confirming
          ? consequences(confirming.member, confirming.change, context(confirming.member)).map((line) => (
              <p key={line}>{line}</p>
            ))
          : null}
        {dialogError ? (
          <p className="bx-form-alert" role="alert">
            {dialogError}
          </p>
        ) : null}
      </ConfirmDialog>
      <Dialog
        open={!!refused}
        title={
          refused
            ? `${isYou(refused.member, auth.identity) ? 'You are' : `${refused.member.email} is`} the only organiser`
            : ''
        }
        onClose={() => setPending((now) => (now?.phase === 'refused' ? undefined : now))}
      >
        <div role="alert">
          {refused
            ? lastOrganiserExplanation(refused.member, refused.change, context(refused.member)).map(
                (line) => <p key={line}>{line}</p>,
              )
            : null}
        </div>
      </Dialog>
    </>
  );
}

function confirmTitle(pending: Pending, you: boolean, organisation: Organisation): string {
  const who = you ? 'yourself' : pending.member.email;
  if (pending.change.kind === 'remove') {
    return you ? `Leave ${organisation.name}?` : `Remove ${who} from ${organisation.name}?`;
  }
  return you ? 'Make yourself staff?' : `Make ${who} staff?`;
}

function confirmLabel(pending: Pending, you: boolean): string {
  if (pending.change.kind === 'remove') return you ? 'Leave the organisation' : 'Remove member';
  return 'Make staff';
}

const ADD_FIELDS = ['/email', '/role'] as const;

function AddMemberForm({
  organisation,
  onAdded,
}: {
  organisation: Organisation;
  onAdded: (member: Member) => void;
}) {
  const auth = useAuth();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('staff');
  const [error, setError] = useState<ApiError>();
  const [local, setLocal] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setLocal(undefined);
    if (!email.trim()) {
      setLocal('Enter the email address the person signs in with');
      return;
    }
    setBusy(true);
    try {
      const member = await auth.api.manage.post('/api/manage/organisations/{id}/members', {
        path: { id: organisation.organisation_id },
        body: { email: email.trim(), role },
      });
      onAdded(member);
      toast.show(`${member.email} added as ${role === 'organiser' ? 'an organiser' : 'staff'}`, 'success');
      setEmail('');
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 409) {
        // The API names no field for a duplicate, but the email is what the person has to change.
        setLocal(`${email.trim()} is already a member of ${organisation.name}`);
      } else if (caught.status === 403) {
        setError(
          new ApiError(
            403,
            { code: caught.code, message: changeErrorMessage(caught) },
            caught.method,
            caught.url,
          ),
        );
      } else {
        setError(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="bx-card" aria-labelledby="add-member-title">
      <h2 id="add-member-title">Add a member</h2>
      <p>They sign in with this email address and find {organisation.name} among their organisations.</p>
      <FormErrorProvider error={error}>
        <form onSubmit={submit} noValidate className="add-member">
          <FormErrorSummary fields={ADD_FIELDS} />
          <div className="form-row">
            <TextField
              label="Email"
              pointer="/email"
              type="email"
              inputMode="email"
              autoComplete="off"
              value={email}
              error={local}
              onChange={(e) => {
                // A refusal is about the address that was sent; a new one starts afresh.
                setEmail(e.target.value);
                setLocal(undefined);
                setError(undefined);
              }}
              required
            />
            <SelectField
              label="Role"
              pointer="/role"
              value={role}
              onChange={(e) => setRole(e.target.value as MemberRole)}
            >
              <option value="staff">Staff</option>
              <option value="organiser">Organiser</option>
            </SelectField>
          </div>
          <Button type="submit" busy={busy}>
            Add member
          </Button>
        </form>
      </FormErrorProvider>
    </section>
  );
}
