package views

// TokenRow is one API token in a list.
type TokenRow struct {
	ID        string
	Name      string
	Created   string
	Expires   string // "never" when it does not expire
	Expired   bool
	RevokeURL string
}

// Account is the signed-in user's own page: password and API tokens.
type Account struct {
	Page Page
	Name string
	Role string
	// Notice confirms what the last form did; Error says what was wrong.
	Notice string
	Error  string
	// NewToken is a token just created, shown once.
	NewToken  string
	Tokens    []TokenRow
	CanTokens bool
}

// UserRow is one user on the users page.
type UserRow struct {
	ID         string
	Name       string
	Role       string
	Disabled   bool
	Created    string
	LastSignIn string // "never" when never
	Roles      []Option
	Tokens     []TokenRow
	// Self is the admin looking at the page: they cannot disable
	// themselves or take away their own admin role here.
	Self bool
}

// AdminUsers is the users page (admins): add users, change roles, reset
// passwords, disable and enable, revoke tokens.
type AdminUsers struct {
	Page   Page
	Users  []UserRow
	Roles  []Option
	Notice string
	Error  string
	// NewName and NewRole keep the add form's values after an error.
	NewName string
}
