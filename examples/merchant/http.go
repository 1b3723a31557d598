package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

func (s *Service) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
	var req OrderRequest
	if !readJSON(w, r, &req) {
		return
	}
	o, err := s.CreateOrder(r.Context(), req)
	s.reply(w, r, o, err)
}

func (s *Service) handleGetOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.GetOrder(r.Context(), r.PathValue("id"))
	s.reply(w, r, o, err)
}

func (s *Service) handleCreatePayout(w http.ResponseWriter, r *http.Request) {
	var req PayoutRequest
	if !readJSON(w, r, &req) {
		return
	}
	p, err := s.PlanPayout(r.Context(), req)
	s.reply(w, r, p, err)
}

func (s *Service) handleGetPayout(w http.ResponseWriter, r *http.Request) {
	p, err := s.GetPayout(r.Context(), r.PathValue("id"))
	s.reply(w, r, p, err)
}

func (s *Service) handlePayoutJob(w http.ResponseWriter, r *http.Request) {
	run, err := s.RunPayouts(r.Context())
	s.reply(w, r, run, err)
}

func (s *Service) handleCatchUpJob(w http.ResponseWriter, r *http.Request) {
	ran, err := s.CatchUp(r.Context())
	s.reply(w, r, map[string]bool{"ran": ran}, err)
}

// handleHealth answers 200 when the database answers within a second.
func (s *Service) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.ErrorContext(ctx, "health: database down", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// reply writes v, or the error as 400 (a bad request), 404 or 500.
func (s *Service) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, v)
	case errors.Is(err, errBadRequest):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case errors.Is(err, sql.ErrNoRows):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	default:
		s.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
	}
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad JSON: " + err.Error()})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
