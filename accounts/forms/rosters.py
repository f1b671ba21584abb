from django import forms


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV)",
        help_text="UTF-8 CSV with the columns member_id, first_name, last_name, date_of_birth, "
        "email, postal_code, relationship, coverage_start, coverage_end. It replaces the roster "
        "in force.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
