package main

import (
	"context"
	"fmt"

	"github.com/mentionwatch/mentionwatch/store"
)

var _ store.UserStore = (*retryStore)(nil)

// users returns the opened store's users, or why there are none yet.
func (r *retryStore) users() (store.UserStore, error) {
	st, err := r.get()
	if err != nil {
		return nil, err
	}
	us, ok := st.(store.UserStore)
	if !ok {
		return nil, fmt.Errorf("the store %T keeps no users", st)
	}
	return us, nil
}

func (r *retryStore) SaveUser(ctx context.Context, u store.User) error {
	us, err := r.users()
	if err != nil {
		return err
	}
	return us.SaveUser(ctx, u)
}

func (r *retryStore) User(ctx context.Context, name string) (store.User, error) {
	us, err := r.users()
	if err != nil {
		return store.User{}, err
	}
	return us.User(ctx, name)
}

func (r *retryStore) Users(ctx context.Context) ([]store.User, error) {
	us, err := r.users()
	if err != nil {
		return nil, err
	}
	return us.Users(ctx)
}

func (r *retryStore) SaveToken(ctx context.Context, t store.APIToken) error {
	us, err := r.users()
	if err != nil {
		return err
	}
	return us.SaveToken(ctx, t)
}

func (r *retryStore) Token(ctx context.Context, id string) (store.APIToken, error) {
	us, err := r.users()
	if err != nil {
		return store.APIToken{}, err
	}
	return us.Token(ctx, id)
}

func (r *retryStore) Tokens(ctx context.Context, user string) ([]store.APIToken, error) {
	us, err := r.users()
	if err != nil {
		return nil, err
	}
	return us.Tokens(ctx, user)
}

func (r *retryStore) SaveSession(ctx context.Context, s store.Session) error {
	us, err := r.users()
	if err != nil {
		return err
	}
	return us.SaveSession(ctx, s)
}

func (r *retryStore) Session(ctx context.Context, id string) (store.Session, error) {
	us, err := r.users()
	if err != nil {
		return store.Session{}, err
	}
	return us.Session(ctx, id)
}
