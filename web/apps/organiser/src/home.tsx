// The organiser's start page: the organisations they run, and who is in the current one.
import { useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  buttonClass,
  EmptyState,
  formatDateTime,
  LoadingState,
  Skeleton,
  useRemote,
} from '@boxoffice/ui';
import { Link } from 'react-router';
import { canManage, standingOf } from './members_model.ts';
import { type Organisation, useOrganisations } from './organisation.tsx';

export function HomePage() {
  const auth = useAuth();
  const { list, current, select } = useOrganisations();
  const firstName = auth.identity?.name.split(' ')[0];
  return (
    <>
      <h1 className="bx-page-title">{firstName ? `Welcome back, ${firstName}` : 'Your organisations'}</h1>
      <p className="bx-lede">Pick the organisation whose events you are working on.</p>
      {current ? (
        <p>
          <Link className={buttonClass('primary')} to="/events">
            Events of {current.name}
          </Link>
        </p>
      ) : null}
      <section aria-labelledby="organisations-title" aria-busy={list.status === 'loading'}>
        <h2 id="organisations-title">Your organisations</h2>
        {list.status === 'loading' ? <Skeleton count={2} height="5rem" /> : null}
        {list.status === 'error' ? (
          <ApiErrorState error={list.error} onRetry={list.reload} what="your organisations" />
        ) : null}
        {list.status === 'ready' && list.data.length === 0 ? (
          <EmptyState title="You are not in any organisation yet">
            <p>
              An organiser of an existing organisation can add you by your email address,{' '}
              {auth.identity?.email}.
            </p>
          </EmptyState>
        ) : null}
        {list.status === 'ready' && list.data.length > 0 ? (
          <ul className="bx-grid organisation-list">
            {list.data.map((organisation) => (
              <OrganisationCard
                key={organisation.organisation_id}
                organisation={organisation}
                current={organisation.organisation_id === current?.organisation_id}
                onSelect={() => select(organisation.organisation_id)}
              />
            ))}
          </ul>
        ) : null}
      </section>
      {current ? <Members organisation={current} /> : null}
    </>
  );
}

function OrganisationCard({
  organisation,
  current,
  onSelect,
}: {
  organisation: Organisation;
  current: boolean;
  onSelect: () => void;
}) {
  return (
    <li className={`bx-card organisation-card${current ? ' organisation-card--current' : ''}`}>
      <h3>{organisation.name}</h3>
      <p className="organisation-card__meta">Since {formatDateTime(organisation.created_at)}</p>
      {current ? (
        <span className="bx-badge organisation-card__badge">Working in this one</span>
      ) : (
        <Button variant="secondary" onClick={onSelect}>
          Switch to this organisation<span className="visually-hidden">: {organisation.name}</span>
        </Button>
      )}
    </li>
  );
}

function Members({ organisation }: { organisation: Organisation }) {
  const auth = useAuth();
  const detail = useRemote(
    (signal) =>
      auth.api.manage.get('/api/manage/organisations/{id}', {
        path: { id: organisation.organisation_id },
        signal,
      }),
    [auth.api, organisation.organisation_id],
  );
  return (
    <section className="bx-card members" aria-labelledby="members-title">
      <h2 id="members-title">People in {organisation.name}</h2>
      {detail.status === 'loading' ? <LoadingState label="Loading members…" /> : null}
      {detail.status === 'error' ? (
        <ApiErrorState error={detail.error} onRetry={detail.reload} what="the members" />
      ) : null}
      {detail.status === 'ready' ? (
        <table className="members__table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {detail.data.members.map((member) => (
              <tr key={member.email}>
                <td>{member.email}</td>
                <td>{member.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {detail.status === 'ready' ? (
        <p className="members__more">
          <Link to="/members">
            {canManage(standingOf(detail.data.members, auth.identity))
              ? 'Add, change or remove members'
              : 'All members and their roles'}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
